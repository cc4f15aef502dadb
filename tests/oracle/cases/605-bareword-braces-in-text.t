# accidental braces in plain text: Perl without strict reads the word
<Location /server-manager>
    SessionTimeout {ManagerTimeout}
</Location>
RewriteCond %{REQUEST_METHOD} ^(TRACE|TRACK)
; php_value max_input_time $php56{MaxInputTime} (default)
; upload_max_filesize = $php56{MaxFileUpload}
{ if ($sshd{status} eq 'enabled') { Enabled } else { Disabled } }
{ my @list = (Alpha, Beta, Gamma_2); join '|', @list }{ my %h = (k => Value); $h{k} }
{ ($Zero ? First : Second) }
