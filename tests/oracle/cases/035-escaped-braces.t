text \{ not code \} and \\{ 'code' } end
{ '\{' . '\}' }
back\slash\n stays
