package dev.vigil.saliency;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * Where a saliency result came from, so a map can be traced back to exactly one model and run.
 *
 * @param modelSha256 hex SHA-256 of the original model file
 * @param opset the model's ai.onnx opset (before any raise for the backward pass)
 * @param method the attribution method, {@code "FullGrad"}
 * @param device the device that actually ran it, {@code "cpu"} or {@code "cuda"}
 * @param deviceNote why the requested device was not used (empty when it was)
 * @param intraOpThreads ONNX Runtime intra-op threads
 * @param startedAt when the run started
 * @param elapsed wall time of the whole call
 * @param targets the class explained per image (given, or the argmax)
 * @param targetsGiven whether the caller chose the targets
 * @param inputSha256 hex SHA-256 of the input batch (float32 little-endian, NCHW), so a map is tied to its input
 */
public record Provenance(String modelSha256, long opset, String method, String device, String deviceNote,
    int intraOpThreads, Instant startedAt, Duration elapsed, int[] targets, boolean targetsGiven,
    String inputSha256) {

  @Override
  public boolean equals(Object o) {
    return o instanceof Provenance p && p.modelSha256.equals(modelSha256) && p.opset == opset
        && p.method.equals(method) && p.device.equals(device) && p.deviceNote.equals(deviceNote)
        && p.intraOpThreads == intraOpThreads && p.startedAt.equals(startedAt) && p.elapsed.equals(elapsed)
        && Arrays.equals(p.targets, targets) && p.targetsGiven == targetsGiven && p.inputSha256.equals(inputSha256);
  }

  @Override
  public int hashCode() {
    return modelSha256.hashCode() * 31 + startedAt.hashCode();
  }

  @Override
  public String toString() {
    return "Provenance[model sha256=" + modelSha256 + ", opset=" + opset + ", method=" + method
        + ", device=" + device + (deviceNote.isEmpty() ? "" : " (" + deviceNote + ")")
        + ", threads=" + intraOpThreads + ", at=" + startedAt + ", took=" + elapsed.toMillis() + " ms"
        + ", targets=" + Arrays.toString(targets) + (targetsGiven ? " (given)" : " (argmax)")
        + ", input sha256=" + inputSha256 + "]";
  }
}
