{
    my $adb = esmith::AccountsDB->open_ro;
    foreach my $ibay ($adb->ibays) {
        my $access = $ibay->prop('PublicAccess') || 'none';
        $OUT .= "[" . $ibay->key . "]\n";
        $OUT .= "  comment = " . $ibay->prop('Name') . "\n";
        $OUT .= "  guest ok = " . ($access eq 'global' ? 'yes' : 'no') . "\n";
    }
    for my $p ($adb->printers) {
        $OUT .= "[" . $p->key . "]\n  printable = yes\n  comment = " . $p->prop('Description') . "\n";
    }
}
