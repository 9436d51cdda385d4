package dev.vigil.saliency.image;

/**
 * The rectangle of the original image, in original pixel units (edges, not centres), that the
 * model input covers. {@code (0, 0, width, height)} for a stretch; smaller for a crop; it may
 * reach outside the image where a centre crop padded a small image. Overlays use it to put the
 * map back where it belongs.
 */
public record Region(double left, double top, double width, double height) {
  public Region {
    if (!(width > 0 && height > 0) || !Double.isFinite(left) || !Double.isFinite(top)) {
      throw new IllegalArgumentException(
          "region must have a positive size: " + left + "," + top + " " + width + "x" + height);
    }
  }

  /** The whole of a {@code w x h} image. */
  public static Region whole(int w, int h) {
    return new Region(0, 0, w, h);
  }
}
