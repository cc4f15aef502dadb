{ 'single $DomainName \n \' \\ ' }
{ q(paren (nested) q) } { q{brace} } { qq<angle $SystemName> }
