{ opendir(D, "srv/templates/missing") ? 'opened' : "missing: $!" }
{ opendir(D, "srv/templates/etc/hosts.allow/10sshd") ? 'opened' : "file: $!" }
{ defined(readdir(D)) ? 'entry' : 'no entry' }|{ closedir(D) ? 'closed' : 'not open' }
{ my @x = readdir(NEVER); scalar(@x) }|{ opendir(my $dh, "srv/templates/etc/hosts.allow/15link/..") ? 'opened' : "link: $!" }
{ -d "srv/templates/empty" && opendir(E, "srv/templates/empty") ? "empty dir opened" : 'no' }
