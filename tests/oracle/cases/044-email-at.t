{ "admin@example.com" } { 'admin@example.com' }
