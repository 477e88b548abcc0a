package com.stateset.sandbox.server.resources;

import com.stateset.sandbox.server.errors.DomainException;

/** Query parameters read strictly: a malformed one is a 400 naming it, never a silent default. */
final class QueryParams {

    private QueryParams() {
    }

    /** The integer, or null when absent; present, even empty, it must be one. */
    static Integer integer(String field, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Integer.valueOf(value);
        } catch (NumberFormatException e) {
            throw DomainException.validation(field, "must be an integer");
        }
    }

    /** true, false (or absent), 1 or 0. */
    static boolean bool(String field, String value) {
        if (value == null || value.equalsIgnoreCase("false") || value.equals("0")) {
            return false;
        }
        if (value.equalsIgnoreCase("true") || value.equals("1")) {
            return true;
        }
        throw DomainException.validation(field, "must be true or false");
    }
}
