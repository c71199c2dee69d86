"""One module per contestant: the same tests written the way each library is meant to be used."""
