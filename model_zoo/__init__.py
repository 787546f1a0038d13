"""zkc.model_zoo: small real models in torch, trained on packaged data, exported to ONNX."""
