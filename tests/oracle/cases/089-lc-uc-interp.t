{ "\U$SystemName\E and \u$DomainName and \LABC\E" }
