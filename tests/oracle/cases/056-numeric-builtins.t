{ abs(-3) } { int(7.9) } { int(-7.9) } { hex('ff') } { oct('755') } { oct('0x1f') } { ord('A') } { chr(66) } { sqrt(16) }
