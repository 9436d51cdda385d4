package dev.vigil.saliency;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import dev.vigil.saliency.autodiff.OrtEnvironments;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates ONNX Runtime sessions on the requested device. CUDA is tried only when this ONNX Runtime build has the
 * CUDA provider and the CUDA 12 / cuDNN 9 libraries it loads are found; otherwise the session runs on CPU and
 * {@link #deviceNote()} says precisely why.
 */
final class Sessions {

  private static final Logger LOG = LoggerFactory.getLogger(Sessions.class);

  /** Libraries the CUDA provider of ONNX Runtime 1.29 loads at run time. */
  static final List<String> CUDA_LIBRARIES = List.of("libcudart.so.12", "libcublas.so.12", "libcublasLt.so.12",
      "libcurand.so.10", "libcufft.so.11", "libcudnn.so.9");

  private final OrtEnvironment env = OrtEnvironments.get();
  private final SaliencyOptions options;
  // Written when a CUDA session fails to start and sessions fall back to CPU.
  private volatile String device;
  private volatile String deviceNote;

  Sessions(SaliencyOptions options) {
    this.options = options;
    String note = "";
    if (options.device().equals("cuda")) {
      note = cudaUnavailableReason();
    }
    if (!note.isEmpty()) {
      LOG.warn("saliency.device is cuda but {}; running on CPU", note);
    }
    this.device = note.isEmpty() ? options.device() : "cpu";
    this.deviceNote = note;
  }

  OrtEnvironment env() {
    return env;
  }

  /** The device sessions run on. */
  String device() {
    return device;
  }

  /** Why the requested device is not used, or "". */
  String deviceNote() {
    return deviceNote;
  }

  OrtSession create(byte[] model) throws OrtException {
    if (device.equals("cuda")) {
      try {
        return create(model, true);
      } catch (OrtException e) {
        deviceNote = "the CUDA session failed to start (" + e.getMessage().strip() + ")";
        device = "cpu";
        LOG.warn("saliency.device is cuda but {}; running on CPU", deviceNote);
      }
    }
    return create(model, false);
  }

  private OrtSession create(byte[] model, boolean cuda) throws OrtException {
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
      so.setIntraOpNumThreads(options.intraOpThreads());
      so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      // The augmented graphs leave folded BatchNormalization weights unused; ORT would warn once per tensor.
      so.setSessionLogLevel(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
      if (cuda) {
        so.addCUDA(0);
      }
      return env.createSession(model, so);
    }
  }

  private static String cudaUnavailableReason() {
    if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
      return "this ONNX Runtime build has no CUDA execution provider (build Vigil with -Pgpu to get "
          + "com.microsoft.onnxruntime:onnxruntime_gpu)";
    }
    List<String> missing = new ArrayList<>();
    for (String lib : CUDA_LIBRARIES) {
      if (!libraryFound(lib)) {
        missing.add(lib);
      }
    }
    if (!missing.isEmpty()) {
      return "the CUDA libraries " + String.join(", ", missing) + " were not found in LD_LIBRARY_PATH or the "
          + "system library directories (install CUDA 12 and cuDNN 9)";
    }
    try (OrtSession.SessionOptions probe = new OrtSession.SessionOptions()) {
      probe.addCUDA(0);
    } catch (OrtException | RuntimeException e) {
      return "the CUDA execution provider failed to start: " + e.getMessage();
    }
    return "";
  }

  private static boolean libraryFound(String name) {
    Set<String> dirs = new LinkedHashSet<>();
    String ld = System.getenv("LD_LIBRARY_PATH");
    if (ld != null) {
      dirs.addAll(List.of(ld.split(":")));
    }
    dirs.addAll(List.of("/usr/local/cuda/lib64", "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu",
        "/usr/lib64", "/usr/lib", "/usr/local/lib", "/usr/local/cuda/targets/x86_64-linux/lib"));
    for (String d : dirs) {
      if (!d.isEmpty() && Files.exists(Path.of(d, name))) {
        return true;
      }
    }
    return false;
  }
}
