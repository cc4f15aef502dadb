#!/usr/bin/perl
# syslog-listen.pl SOCKET OUT: a stand-in syslog daemon for tests. Binds the
# datagram socket SOCKET (the test root's /dev/log) and appends every
# message received to OUT, one a line, until a message ends in
# "SYSLOG-LISTEN-STOP". Ready when SOCKET exists.
use strict;
use warnings;
use IO::Socket::UNIX;
use Socket qw(SOCK_DGRAM);

my ($path, $out) = @ARGV;
unlink $path;
my $sock = IO::Socket::UNIX->new(Type => SOCK_DGRAM, Local => $path)
    or die "syslog-listen: cannot bind $path: $!\n";
open my $fh, '>>', $out or die "syslog-listen: cannot write $out: $!\n";
$fh->autoflush(1);
while (defined $sock->recv(my $msg, 65536)) {
    last if $msg =~ /SYSLOG-LISTEN-STOP$/;
    print $fh "$msg\n";
}
unlink $path;
