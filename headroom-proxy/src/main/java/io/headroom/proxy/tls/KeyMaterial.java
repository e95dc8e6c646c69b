package io.headroom.proxy.tls;

import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/** A private key with its certificate chain, leaf first. */
record KeyMaterial(PrivateKey key, List<X509Certificate> chain) {
    private static final int SAN_DNS = 2;

    KeyMaterial {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("empty certificate chain");
        }
    }

    X509Certificate leaf() {
        return chain.get(0);
    }

    /**
     * The host names the leaf certificate is for, lower case, in certificate order: its DNS subject alternative
     * names, or its subject CN when it has none (as browsers did before RFC 2818 made SANs the rule). May hold
     * wildcards such as {@code *.example.com}.
     */
    Set<String> hostNames() {
        Set<String> names = new LinkedHashSet<>();
        try {
            Collection<List<?>> sans = leaf().getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (san.size() >= 2 && san.get(0) instanceof Integer t && t == SAN_DNS
                            && san.get(1) instanceof String s) {
                        names.add(s.toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // Unreadable SAN extension: fall back to the CN below.
        }
        if (names.isEmpty()) {
            String cn = commonName(leaf());
            if (cn != null) {
                names.add(cn.toLowerCase(Locale.ROOT));
            }
        }
        return names;
    }

    /** The subject's CN, or null. */
    static String commonName(X509Certificate cert) {
        try {
            List<Rdn> rdns = new ArrayList<>(new LdapName(cert.getSubjectX500Principal().getName()).getRdns());
            for (int i = rdns.size() - 1; i >= 0; i--) {
                if (rdns.get(i).getType().equalsIgnoreCase("CN")) {
                    return String.valueOf(rdns.get(i).getValue());
                }
            }
        } catch (InvalidNameException e) {
            return null;
        }
        return null;
    }
}
