package com.stateset.sandbox.images;

/** A way of building a template's image: both end in the same image (see {@link ImageLayout}). */
interface Strategy {

    /** Builds the recipe's image as {@code repository:tag}, cleaning up after itself even when it fails. */
    void build(Recipe recipe, String repository, String tag, BuildLog log);
}
