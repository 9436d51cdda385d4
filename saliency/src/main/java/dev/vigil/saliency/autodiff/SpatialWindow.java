package dev.vigil.saliency.autodiff;

import ai.onnx.proto.OnnxMl.AttributeProto;
import java.util.Arrays;

/**
 * The sliding-window geometry shared by Conv and the pools, with explicit pads (auto_pad resolved), and the
 * ConvTranspose that is its adjoint.
 *
 * <p>Per spatial axis with input size I, output size O, kernel k, stride s, dilation d and pads (p0, p1), the
 * transposed convolution produces s(O-1) + ((k-1)d + 1) - p0 - p1 + output_padding values; the adjoint must give
 * back exactly I, so output_padding = I - (s(O-1) + (k-1)d + 1 - p0 - p1) when that is non-negative (floor
 * mode: the rows no window reached), and otherwise p1 grows by the excess (ceil mode: windows that ran past the
 * end saw only padding).
 */
record SpatialWindow(long[] kernel, long[] strides, long[] dilations, long[] padsBegin, long[] padsEnd) {

  /** Reads strides, dilations, pads and auto_pad of {@code n}. */
  static SpatialWindow of(OpNode n, long[] kernel, long[] in, long[] out) {
    int r = kernel.length;
    long[] strides = n.attrInts("strides", filled(r, 1));
    long[] dilations = n.attrInts("dilations", filled(r, 1));
    long[] pads = n.attrInts("pads", filled(2 * r, 0));
    String autoPad = n.attrString("auto_pad", "NOTSET");
    long[] begin = Arrays.copyOfRange(pads, 0, r);
    long[] end = Arrays.copyOfRange(pads, r, 2 * r);
    if (autoPad.startsWith("SAME")) {
      for (int i = 0; i < r; i++) {
        // ONNX: total padding so that O = ceil(I / s); the odd one goes to the end (UPPER) or begin (LOWER).
        long total = Math.max(0, (out[i] - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - in[i]);
        long small = total / 2;
        begin[i] = autoPad.equals("SAME_UPPER") ? small : total - small;
        end[i] = total - begin[i];
      }
    } else if (autoPad.equals("VALID")) {
      Arrays.fill(begin, 0);
      Arrays.fill(end, 0);
    }
    return new SpatialWindow(kernel, strides, dilations, begin, end);
  }

  /** ConvTranspose attributes mapping a gradient of spatial size {@code out} back onto {@code in}. */
  AttributeProto[] adjoint(long[] in, long[] out, long group) {
    int r = kernel.length;
    long[] pads = new long[2 * r];
    long[] outputPadding = new long[r];
    for (int i = 0; i < r; i++) {
      long natural = strides[i] * (out[i] - 1) + (kernel[i] - 1) * dilations[i] + 1 - padsBegin[i] - padsEnd[i];
      long missing = in[i] - natural;
      pads[i] = padsBegin[i];
      pads[r + i] = padsEnd[i] + Math.max(0, -missing);
      outputPadding[i] = Math.max(0, missing);
    }
    return new AttributeProto[] {
      GraphBuilder.attr("kernel_shape", kernel), GraphBuilder.attr("strides", strides),
      GraphBuilder.attr("dilations", dilations), GraphBuilder.attr("pads", pads),
      GraphBuilder.attr("output_padding", outputPadding), GraphBuilder.attr("group", group)
    };
  }

  /** Spatial dimensions (2..) of an N x C x ... shape. */
  static long[] spatial(long[] shape) {
    return Arrays.copyOfRange(shape, 2, shape.length);
  }

  static long[] filled(int n, long v) {
    long[] a = new long[n];
    Arrays.fill(a, v);
    return a;
  }
}
