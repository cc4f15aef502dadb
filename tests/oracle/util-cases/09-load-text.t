{
    $OUT = <<HERE;
<?php
/*
HERE

    $OUT .= 
    Text::Template::_load_text("etc/e-smith/templates-default/template-begin");

    $OUT .= <<HERE;
*/
HERE

}
{ defined(Text::Template::_load_text("etc/missing")) ? 'defined' : 'undef' }|{ my $e = Text::Template::_load_text("srv/templates/emptyfile"); defined $e ? "[$e]" : 'undef' }
{ my @l = Text::Template::_load_text("srv/templates/emptyfile"); scalar @l }|{ my @l = Text::Template::_load_text("etc/e-smith/templates-default/template-begin"); scalar @l }|{ my @l = Text::Template::_load_text("nothing"); scalar(@l) . (defined $l[0] ? '' : ' undef') }
