{ $DB->get_prop('qpsmtpd', 'MaxConnections') }
[{ $DB->get_prop('qpsmtpd', 'nosuch') }]
{ $DB->get_value('SystemName') }
{ $DB->get_value('qpsmtpd') }
[{ $DB->get_prop('nosuch', 'x') }]
