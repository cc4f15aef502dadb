{ my @args = ('x', 3); sprintf '%s=%d', @args }
