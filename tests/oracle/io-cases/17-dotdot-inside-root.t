{
    (-e "/etc/../etc/passwd" ? "passwd via .." : "no passwd") . "\n"
    . (-d "srv/oracle/../oracle/certs" ? "certs via .." : "no certs") . "\n"
    . (-e "srv/./oracle//users" ? "users via ./ and //" : "no users") . "\n";
}
