package dev.vigil.saliency;

import ai.onnxruntime.OrtException;
import dev.vigil.saliency.image.ImageDecodeException;

/**
 * Which failures of a saliency run are the caller's to fix (a broken image, a model ONNX Runtime
 * rejects, an operator the autodiff does not support, a class out of range) rather than a fault of
 * the machine: command lines report the first kind as bad input.
 */
public final class SaliencyFailures {
  private SaliencyFailures() {}

  public static boolean isBadInput(Throwable failure) {
    if (failure instanceof OrtException e) {
      return switch (e.getCode()) {
        case ORT_INVALID_ARGUMENT, ORT_INVALID_GRAPH, ORT_INVALID_PROTOBUF, ORT_NO_MODEL, ORT_NO_SUCHFILE,
            ORT_NOT_IMPLEMENTED -> true;
        default -> false;
      };
    }
    return failure instanceof ImageDecodeException
        || failure instanceof UnsupportedOperationException
        || failure instanceof IllegalArgumentException;
  }
}
