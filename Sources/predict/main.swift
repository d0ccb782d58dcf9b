print("predict")
