{ $DomainName =~ /example/ ? 'match' : 'no' } { $DomainName !~ /^x/ ? 'nomatch' : 'm' }
{ if ($LocalIP =~ /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/) { "$1-$2-$3-$4" } }
{ 'ABC' =~ /b/i ? 'ci' : 'cs' }
