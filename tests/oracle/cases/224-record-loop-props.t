{
    my $adb = esmith::AccountsDB->open_ro;
    foreach my $rec ($adb->get_all) {
        my %props = $rec->props;
        next unless $props{type} eq 'group';
        $OUT .= $rec->key . ":";
        foreach my $p (sort keys %props) {
            next if $p eq 'type';
            $OUT .= " $p=$props{$p}";
        }
        $OUT .= "\n";
    }
}
