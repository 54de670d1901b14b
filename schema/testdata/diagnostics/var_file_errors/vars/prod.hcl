port   = "eighty"
pople  = []
