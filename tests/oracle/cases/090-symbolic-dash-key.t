{ ${'httpd-e-smith'}{TCPPort} } { ${"httpd-e-smith"}{status} } { ${'httpd-e-smith'} }
