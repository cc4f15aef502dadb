#!/usr/bin/perl
# A writer with the lock discipline of the Perl tools (esmith::config):
# flock(LOCK_EX) on DBFILE.lock, re-read the file, change one record,
# write DBFILE.PID, rename it over DBFILE, unlock. Used by the concurrency
# tests to write at the same time as our `db`.
#
#   perl-writer.pl DBFILE KEY PREFIX COUNT [PAUSE [HOLD [unlink]]]
# sets props PREFIX1 .. PREFIXCOUNT of record KEY to 1 .. COUNT, one write
# each, PAUSE seconds apart (so it overlaps other writers), holding the
# lock HOLD seconds before each rewrite. With "unlink" it deletes the lock
# file after unlocking, as esmith::config does.
use strict;
use warnings;
use Fcntl qw(:flock);

my ($file, $key, $prefix, $count, $pause, $hold, $unlink) = @ARGV;
for my $n (1 .. $count) {
    open my $lock, '>>', "$file.lock" or die "lock: $!";
    flock $lock, LOCK_EX or die "flock: $!";
    select undef, undef, undef, $hold if $hold;
    my %db;
    if (open my $in, '<', $file) {
        while (my $line = <$in>) {
            chomp $line;
            next if $line =~ /^\s*(#|$)/;
            my ($k, $v) = split /=/, $line, 2;
            $v =~ s/\\n/\n/g;
            $db{$k} = $v;
        }
        close $in;
    }
    my ($type, %props) = split /(?<!\\)\|/, $db{$key} // 'record', -1;
    $props{"$prefix$n"} = $n;
    $db{$key} = join '|', $type, map { ($_, $props{$_}) } sort keys %props;
    open my $out, '>', "$file.$$" or die "write: $!";
    print $out "# DO NOT MODIFY THIS FILE.\n#\n";
    for my $k (sort keys %db) {
        (my $v = $db{$k}) =~ s/\n/\\n/g;
        print $out "$k=$v\n";
    }
    close $out or die "close: $!";
    rename "$file.$$", $file or die "rename: $!";
    flock $lock, LOCK_UN;
    unlink "$file.lock" if ($unlink // '') eq 'unlink';
    close $lock;
    select undef, undef, undef, $pause if $pause;
}
