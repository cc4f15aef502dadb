[{ $smtpd{Multi} }] [{ $smtpd{Empty} }] [{ $smtpd{Banner} }] [{ $smtpd{Count} || 'none' }]
