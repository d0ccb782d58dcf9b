print("generate: not yet")
