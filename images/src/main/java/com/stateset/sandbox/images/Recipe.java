package com.stateset.sandbox.images;

import java.util.List;

/**
 * How one template's image is built: its Debian packages (on top of ca-certificates), npm packages
 * installed globally (optional: an install that fails is reported and the image built without it),
 * whether globally installed modules resolve from any directory, the smoke test the image must pass
 * as the sandbox user, and the commands the optional packages provide.
 */
record Recipe(String name, List<String> packages, List<String> npmPackages, boolean nodeModules, String smokeTest,
        List<String> optionalCommands) {

    Recipe {
        packages = List.copyOf(packages);
        npmPackages = List.copyOf(npmPackages);
        optionalCommands = List.copyOf(optionalCommands);
    }
}
