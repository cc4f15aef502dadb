#!/usr/bin/perl
# render-oracle.pl ROOT PATH - renders template PATH (e.g.
# /var/service/qpsmtpd/config/peers/0) of the SME layout under ROOT to
# stdout with Debian's Text::Template, the engine the original e-smith uses:
# fragments merged from templates/ and templates-custom/ (custom wins by
# name), template-begin first, template-end last, the rest in byte order,
# all filled in one package with the configuration db's records as
# variables (%key with props and type, $key the raw value).
# The e2e tests compare our expand-template's output with it.
use strict;
use warnings;
use Text::Template;

my ($root, $path) = @ARGV;
die "usage: render-oracle.pl ROOT PATH\n" unless defined $path;

# Each record: $key is its raw value; %key its props plus type, only when
# it has props (as e-smith does).
my (%raw, %props);
my $db = "$root/home/e-smith/db/configuration";
if (open(my $fh, '<', $db)) {
    while (my $line = <$fh>) {
        chomp $line;
        next if $line =~ /^\s*(#|$)/;
        my ($key, $value) = split /=/, $line, 2;
        next unless defined $value;
        $value =~ s/\\n/\n/g;
        $raw{$key} = $value;
        my ($type, @pv) = split /(?<!\\)\|/, $value, -1;
        $props{$key} = { type => $type, @pv } if @pv;
    }
}
{
    no strict 'refs';
    ${"Oracle::$_"} = $raw{$_} for keys %raw;
    %{"Oracle::$_"} = %{ $props{$_} } for keys %props;
}

my %fragments;
for my $dir ("$root/etc/e-smith/templates$path", "$root/etc/e-smith/templates-custom$path") {
    opendir(my $dh, $dir) or next;
    for my $name (readdir $dh) {
        next if -d "$dir/$name" || $name =~ /(~|\.swp|\.orig|\.rpmsave|\.rpmnew|\.rpmorig)$/;
        $fragments{$name} = "$dir/$name";
    }
}
die "render-oracle: no fragments for $path\n" unless %fragments;
my @order = grep { $_ ne 'template-begin' && $_ ne 'template-end' } sort keys %fragments;
unshift @order, 'template-begin' if $fragments{'template-begin'};
push @order, 'template-end' if $fragments{'template-end'};

my $out = '';
for my $name (@order) {
    next unless -s $fragments{$name};
    my $t = Text::Template->new(TYPE => 'FILE', SOURCE => $fragments{$name})
      or die "render-oracle: $Text::Template::ERROR\n";
    my $text = $t->fill_in(PACKAGE => 'Oracle', BROKEN => sub {
        my %a = @_;
        die "render-oracle: $fragments{$name} line $a{lineno}: $a{error}";
    });
    die "render-oracle: $Text::Template::ERROR\n" unless defined $text;
    $out .= $text;
}
print $out;
