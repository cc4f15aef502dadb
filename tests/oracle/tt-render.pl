#!/usr/bin/perl
# tt-render.pl [--db FLATFILE] [--event NAME] FRAGMENT... - the oracle of
# the template engine: renders the fragments in order with Debian's
# Text::Template, all in one package, and prints the concatenation.
#
# The variables are those e-smith gives every fragment: for each record
# of the db, $key (the raw value) and %key (props plus type, only when the
# record has props); $DB, a configuration database object with get,
# get_prop and get_value whose records answer key, prop, value and props;
# $EVENT during an event. A fragment error prints the error and exits 1.
# The esmith::*DB classes are our own small Perl implementation of §4.2 of
# shared/reference/e-smith-behaviour.md (open/open_ro under $DBPATH, the
# reads, the shorthands, local_access_spec, hosts_allow_spec).
#
# With --esmith TARGET --root ROOT the fragments (files under ROOT) are
# expanded the way e-smith's esmith::templates::processTemplate does it:
# each named by its path without ROOT (also in Perl's "at FILE line N"),
# warnings printed as "WARNING in FRAGMENT: ..." from $SIG{__WARN__}, a
# failing block reported by the BROKEN handler and expansion going on,
# then the closing line (without the " at .../expand-template line N."
# that carp adds) and exit 1 if any block failed.
use strict;
use warnings;
use Text::Template;
use Carp ();

package esmith::DB::db::Record;

sub new { my ($class, $key, $type, $props) = @_; bless { key => $key, type => $type, props => $props }, $class }
sub key   { $_[0]{key} }
sub value { $_[0]{type} }
sub prop {
    my ($self, $p) = @_;
    return $self->{type} if $p eq 'type' && !exists $self->{props}{type};
    return $self->{props}{$p};
}
sub props { my $self = shift; my %h = (type => $self->{type}, %{ $self->{props} }); return %h }

package esmith::DB::Oracle;

# Reads a flat file into { key => { raw, type, props } }.
sub read_flat {
    my ($file) = @_;
    CORE::open(my $fh, "<", $file) or return undef;
    my %records;
    while (my $line = <$fh>) {
        chomp $line;
        next if $line =~ /^\s*(#|$)/;
        my ($key, $value) = split /=/, $line, 2;
        next unless defined $value;
        $value =~ s/\\n/\n/g;
        my ($type, @pv) = split /(?<!\\)\|/, $value, -1;
        s/\\\|/|/g for @pv;
        $records{$key} = { raw => $value, type => $type, props => {@pv}, has_props => scalar(@pv) };
    }
    return \%records;
}

sub new { my ($class, $records) = @_; bless { records => $records }, $class }

# Class->open([name]) / open_ro: the named db under $DBPATH (a path as
# it is, an absolute one under $ESMITH_ROOT), undef when it cannot be read.
sub open {
    my ($class, $name) = @_;
    $name = $class->default_name unless defined $name;
    # an absolute path is a server path: under the test's root, if any
    my $file = $name =~ m{^/} ? ($ENV{ESMITH_ROOT} || '') . $name
             : $name =~ m{/}  ? $name
             :                  "$ENV{DBPATH}/$name";
    my $records = read_flat($file) or return undef;
    return $class->new($records);
}
sub open_ro { my $class = shift; $class->open(@_) }

sub get {
    my ($self, $key) = @_;
    my $r = $self->{records}{$key} or return undef;
    return esmith::DB::db::Record->new($key, $r->{type}, $r->{props});
}
sub get_value { my ($self, $key) = @_; my $r = $self->{records}{$key} or return undef; $r->{type} }
sub get_prop {
    my ($self, $key, $prop) = @_;
    my $rec = $self->get($key) or return undef;
    return $rec->prop($prop);
}
sub keys { my $self = shift; return sort { $a cmp $b } CORE::keys %{ $self->{records} } }
sub get_all { my $self = shift; return map { $self->get($_) } $self->keys }
sub get_all_by_prop {
    my ($self, %want) = @_;
    my @found;
  RECORD: foreach my $rec ($self->get_all) {
        foreach my $p (sort { $a cmp $b } CORE::keys %want) {
            my $v = $rec->prop($p);
            next RECORD unless defined $v && $v =~ /(?:^|,)$want{$p}(?:,|$)/;
        }
        push @found, $rec;
    }
    return @found;
}

# The shorthands of §4.2: the records of one type, each on its class only.
sub of_type { my ($self, $type) = @_; return $self->get_all_by_prop(type => $type) }

package esmith::ConfigDB;
our @ISA = ('esmith::DB::Oracle');
sub default_name { $ENV{ESMITH_CONFIG_DB} || 'configuration' }
sub services { my $self = shift; return map { $_->key } $self->of_type('service') }

# hosts_allow_spec($service [, $daemon]): a comment when the service is
# missing or not enabled, else "$daemon: " and its clients.
sub hosts_allow_spec {
    my ($self, $service, $daemon) = @_;
    $daemon ||= $service;
    my $rec = $self->get($service)
      or return "# '$service' is not defined in the configuration database";
    my $status = $rec->prop('status');
    return "# '$service' is disabled in the configuration database"
      unless defined $status && $status eq 'enabled';
    my $networks = esmith::NetworksDB->open_ro
      or die "hosts_allow_spec: cannot open the networks database\n";
    my @clients = $networks->local_access_spec($rec->prop('access') || 'private');
    return "$daemon: " . join(' ', @clients);
}

package esmith::AccountsDB;
our @ISA = ('esmith::DB::Oracle');
sub default_name { $ENV{ESMITH_ACCOUNT_DB} || 'accounts' }
sub users      { $_[0]->of_type('user') }
sub groups     { $_[0]->of_type('group') }
sub ibays      { $_[0]->of_type('ibay') }
sub printers   { $_[0]->of_type('printer') }
sub pseudonyms { $_[0]->of_type('pseudonym') }

package esmith::HostsDB;
our @ISA = ('esmith::DB::Oracle');
sub default_name { 'hosts' }
sub hosts { $_[0]->of_type('host') }

package esmith::DomainsDB;
our @ISA = ('esmith::DB::Oracle');
sub default_name { 'domains' }
sub domains { $_[0]->of_type('domain') }

package esmith::NetworksDB;
our @ISA = ('esmith::DB::Oracle');
# carp reports the fragment's line, also when hosts_allow_spec is the caller
our @CARP_NOT = ('esmith::DB::Oracle', 'esmith::ConfigDB');
sub default_name { 'networks' }
sub networks { $_[0]->of_type('network') }

# local_access_spec([$access]): localhost, private (plus every network as
# key/Mask, or key alone for a host mask), public (ALL); anything else
# warns, located at the fragment's line. Joined by spaces in scalar context.
sub local_access_spec {
    my ($self, $access) = @_;
    $access ||= 'private';
    my @clients;
    if ($access eq 'public') {
        @clients = ('ALL');
    } else {
        @clients = ('127.0.0.1');
        if ($access eq 'private') {
            foreach my $net ($self->networks) {
                my $mask = $net->prop('Mask');
                push @clients, $mask eq '255.255.255.255' ? $net->key : $net->key . "/$mask";
            }
        } elsif ($access ne 'localhost') {
            Carp::carp("local_access_spec: unknown access value $access");
        }
    }
    return wantarray ? @clients : join(' ', @clients);
}

# esmith::util, which the original loads before any fragment runs: the
# functions fragments call, with the original's prototypes. ldapBase makes
# each '.' of the domain ",dc=" after a leading "dc="; LdapPassword is the
# first line of /etc/openldap/ldap.pw (under $ESMITH_ROOT here), chomped
# (the original creates the file when it is missing: not for a test).
package esmith::util;

sub ldapBase ($) {
    my ($domain) = @_;
    $domain = '' unless defined $domain;
    $domain =~ s/\./,dc=/g;
    return "dc=" . $domain;
}

sub LdapPassword () {
    my $file = ($ENV{ESMITH_ROOT} || '') . "/etc/openldap/ldap.pw";
    die "tt-render: $file missing (the original would create it)\n" unless -f $file;
    CORE::open(my $fh, "<", $file) or die "Could not open LDAP password file.\n";
    my $password = <$fh>;
    chomp $password if defined $password;
    close $fh;
    return $password;
}

package main;

my ($dbfile, $event, $esmith_target, $root);
while (@ARGV && $ARGV[0] =~ /^--/) {
    my $opt = shift @ARGV;
    if    ($opt eq '--db')     { $dbfile        = shift @ARGV }
    elsif ($opt eq '--event')  { $event         = shift @ARGV }
    elsif ($opt eq '--esmith') { $esmith_target = shift @ARGV }
    elsif ($opt eq '--root')   { $root          = shift @ARGV }
    else                      { die "tt-render: unknown option $opt\n" }
}
my $pkg = 'esmith::__TEMPLATE__';
# the modules fragments may `use`: built in here
$INC{"esmith/$_.pm"} = __FILE__ for qw(ConfigDB AccountsDB HostsDB DomainsDB NetworksDB db config util);
if (defined $dbfile) {
    my $records = esmith::DB::Oracle::read_flat($dbfile) or die "tt-render: $dbfile: $!\n";
    foreach my $key (CORE::keys %$records) {
        my $r = $records->{$key};
        no strict 'refs';
        ${"${pkg}::$key"} = $r->{raw};
        %{"${pkg}::$key"} = (type => $r->{type}, %{ $r->{props} }) if $r->{has_props};
    }
    no strict 'refs';
    ${"${pkg}::DB"} = esmith::ConfigDB->new($records);
}
if (defined $event) {
    no strict 'refs';
    ${"${pkg}::EVENT"} = $event;
}

if (defined $esmith_target) {
    my ($errorCount, $warningCount, $text) = (0, 0, '');
    for my $file (@ARGV) {
        next unless -s $file;
        (my $filepath = $file) =~ s/^\Q$root\E// if defined $root;
        local $SIG{__WARN__} = sub { $warningCount++; print STDERR "WARNING in $filepath: $_[0]" };
        my $broken = sub {
            my %args = @_;
            (my $error = $args{error}) =~ s/\n+\z//;
            $errorCount++;
            print STDERR "ERROR in $filepath: Program fragment delivered error <<$error>>"
              . " at template line $args{lineno}\n";
            return "";
        };
        my $t = Text::Template->new(TYPE => 'FILE', SOURCE => $file)
          or die "tt-render: $Text::Template::ERROR\n";
        $text .= $t->fill_in(PACKAGE => $pkg, BROKEN => $broken, FILENAME => $filepath);
    }
    if ($errorCount) {
        my $msg = "Template processing failed for $esmith_target:";
        $msg .= " $warningCount fragment" . ($warningCount != 1 ? "s" : "") . " generated warnings,"
          if $warningCount;
        $msg .= " $errorCount fragment" . ($errorCount != 1 ? "s" : "") . " generated errors";
        print STDERR "ERROR: $msg\n";
        exit 1;
    }
    print STDERR "WARNING: Template processing succeeded for $esmith_target: $warningCount fragment"
      . ($warningCount != 1 ? "s" : "") . " generated warnings\n"
      if $warningCount;
    print $text;
    exit 0;
}

$SIG{__WARN__} = sub { print STDERR "WARNING: $_[0]" };
my $out = '';
for my $file (@ARGV) {
    my $t = Text::Template->new(TYPE => 'FILE', SOURCE => $file)
      or die "tt-render: $Text::Template::ERROR\n";
    my $failed;
    my $text = $t->fill_in(PACKAGE => $pkg, BROKEN => sub {
        my %a = @_;
        $failed = "ERROR in $file: Program fragment delivered error <<$a{error}>> at template line $a{lineno}";
        return undef;
    });
    if ($failed) { chomp $failed; print STDERR "$failed\n"; exit 1 }
    die "tt-render: $Text::Template::ERROR\n" unless defined $text;
    $out .= $text;
}
print $out;
