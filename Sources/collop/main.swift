import CollopCLI

Collop.runAndExit()
