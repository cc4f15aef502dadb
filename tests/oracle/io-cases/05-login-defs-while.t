# UID ranges for the account panel, from login.defs
{
    open(DEFS, "/etc/login.defs") || return "# no login.defs\n";
    while (<DEFS>) {
        chomp;
        next if /^#/;
        next unless /\S/;
        my ($key, $value) = split;
        next unless $key =~ /^(UID|GID)_(MIN|MAX)$/;
        $OUT .= "$key=$value\n";
    }
    close(DEFS);
}
