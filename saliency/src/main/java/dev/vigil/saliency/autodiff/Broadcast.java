package dev.vigil.saliency.autodiff;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Undoing NumPy broadcasting in the backward pass: an input of shape s broadcast to the output's shape received
 * one copy per broadcast position, so its gradient is the sum over the broadcast axes (the leading axes it lacked
 * and those where it had size 1), reshaped to s.
 */
final class Broadcast {

  private Broadcast() {}

  /**
   * @param g gradient shaped like the output
   * @param out output shape (batch 1)
   * @param in input shape (batch 1)
   * @param input the input tensor (its run-time shape is used, so the batch dimension stays free)
   */
  static String reduceTo(GraphBuilder b, String g, long[] out, long[] in, String input) {
    int lead = out.length - in.length;
    List<Long> axes = new ArrayList<>();
    for (int a = 0; a < out.length; a++) {
      if (a < lead || (in[a - lead] == 1 && out[a] != 1)) {
        axes.add((long) a);
      }
    }
    if (axes.isEmpty() && lead == 0) {
      return g;
    }
    String summed = axes.isEmpty() ? g
        : b.reduceSum(g, axes.stream().mapToLong(Long::longValue).toArray(), true);
    return Arrays.equals(out, in) ? summed : b.reshapeLike(summed, input);
  }
}
