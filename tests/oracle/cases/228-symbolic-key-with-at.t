# a systemd template instance as a record key, reached symbolically
PrivateKey = { ${'wg-quick@wg0'}{private} }
ListenPort = { ${"wg-quick@wg0"}{UDPPort} || 51820 }
{ my $name = 'wg-quick@wg0'; ${$name}{status} eq 'enabled' ? "enable $name.service" : "disable $name.service" }
raw: { ${'wg-quick@wg0'} }
