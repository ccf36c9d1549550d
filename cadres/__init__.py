"""Union cadres (工会干部): profiles, training and the hours ledger, secondments, grassroots stays,
rotations, task forces, yearly assessments and the political-quality file."""
