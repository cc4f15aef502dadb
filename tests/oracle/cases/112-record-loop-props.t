{
    my $rec = $DB->get('qpsmtpd');
    my %p = $rec->props;
    foreach my $k (sort keys %p) {
        $OUT .= "$k=$p{$k};";
    }
}
{ my $r = $DB->get('qpsmtpd'); scalar($r->props) }
