line1
{ '' }
line3
  { 'indented' }  
{
  'multi-line block'
}
end