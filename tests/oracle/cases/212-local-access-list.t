{
    my $ndb = esmith::NetworksDB->open_ro;
    my @private = $ndb->local_access_spec;
    my @explicit = $ndb->local_access_spec('private');
    my @local = $ndb->local_access_spec('localhost');
    my @public = $ndb->local_access_spec('public');
    $OUT .= scalar(@private) . ": " . join(',', @private) . "\n";
    $OUT .= scalar(@explicit) . ": " . join(',', @explicit) . "\n";
    $OUT .= scalar(@local) . ": @local\n";
    $OUT .= scalar(@public) . ": @public\n";
}
{ my $ndb = esmith::NetworksDB->open_ro; join ';', $ndb->local_access_spec('') }
