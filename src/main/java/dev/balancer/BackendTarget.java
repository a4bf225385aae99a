package dev.balancer;

/** Where on the backend a request goes, the same for both front ends. */
public final class BackendTarget {
    private BackendTarget() {}

    /**
     * The backend's prefix (its base URL, or only its base path) followed by the client's path and query as the
     * client sent them, still percent-encoded: {@code http://app:8080/v2} + {@code /orders} + {@code id=1}.
     *
     * @param query without the {@code ?}; null when there is none
     */
    public static String of(String prefix, String path, String query) {
        StringBuilder target = new StringBuilder(prefix.length() + path.length() + 32).append(prefix);
        if (path.isEmpty() || path.charAt(0) != '/') {
            target.append('/');
        }
        target.append(path);
        if (query != null) {
            target.append('?').append(query);
        }
        return target.toString();
    }
}
