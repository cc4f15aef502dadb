{ join(',', sort keys %qpsmtpd) }
{ join(',', map { "$_=$qpsmtpd{$_}" } sort keys %qpsmtpd) }
