// mirror placeholder
