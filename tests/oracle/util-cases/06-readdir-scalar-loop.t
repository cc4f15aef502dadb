{
    opendir(my $dh, "srv/templates/etc/hosts.allow") or return "no directory";
    my @names;
    while (my $name = readdir $dh) {
        next if $name eq '.' or $name eq '..';
        push @names, -d "srv/templates/etc/hosts.allow/$name" ? "$name/" : $name;
    }
    closedir $dh;
    join(' ', sort @names);
}
{ opendir(D, "srv/templates/empty"); my @e = readdir D; my $more = readdir D; closedir D; scalar(@e) . (defined $more ? ' more' : ' end') }
{ opendir(D, "srv/templates/empty"); my $n = 0; while (readdir D) { $n++ } closedir(D); "$n entries; closed again: " . (closedir(D) ? 'yes' : 'no') }
