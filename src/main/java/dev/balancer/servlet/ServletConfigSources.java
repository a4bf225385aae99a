package dev.balancer.servlet;

import dev.balancer.config.ConfigSources;
import jakarta.servlet.ServletConfig;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Where a servlet's configuration comes from: init-params, then context-params, then the {@code config} file, system
 * properties, environment. The file sits below what the deployment descriptors say, so a key the WAR's web.xml or the
 * container's descriptor sets stays put, and a key left to the file (the backends) can change without a redeploy.
 */
final class ServletConfigSources {
    private ServletConfigSources() {}

    static ConfigSources of(ServletConfig servletConfig) {
        return new ConfigSources()
                .add("init-param", parameters(servletConfig.getInitParameterNames(), servletConfig::getInitParameter), true)
                .add("context-param", parameters(servletConfig.getServletContext().getInitParameterNames(),
                        servletConfig.getServletContext()::getInitParameter), false)
                .addSystemProperties(System.getProperties())
                .addEnvironment(System.getenv())
                .withConfigFile(2);
    }

    private static Map<String, String> parameters(Enumeration<String> names, UnaryOperator<String> value) {
        Map<String, String> map = new HashMap<>();
        for (String name : Collections.list(names)) {
            map.put(name, value.apply(name));
        }
        return map;
    }
}
