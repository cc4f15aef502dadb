{ <<EOT
heredoc $DomainName
EOT
}
{ <<"Q" . 'after'
quoted $SystemName
Q
}
{ <<'RAW'
raw $DomainName \n
RAW
}
