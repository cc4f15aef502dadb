Event: {$EVENT}
