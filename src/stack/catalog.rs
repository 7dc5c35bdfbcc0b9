//! The built-in controls a stack can name without declaring them, and their conventional owners.

use super::model::{Control, Owner, ServiceModel};

/// One control of the built-in catalog.
#[derive(Debug)]
pub struct BuiltinControl {
    /// Stable id used in stack files (e.g. `IAM-MFA`).
    pub id: &'static str,
    /// Short title.
    pub name: &'static str,
    /// The family it is grouped under in reports and in the explorer.
    pub family: &'static str,
    /// What the control requires, in one sentence.
    pub description: &'static str,
    /// NIST SP 800-53 Rev. 5 ids, e.g. "NIST SP 800-53 AC-2".
    pub refs: &'static [&'static str],
    /// Conventional owner under the iaas, paas and saas models, in that order.
    pub template: [Owner; 3],
}

impl BuiltinControl {
    /// The control a stack holds for it when its catalog is the built-in one.
    pub fn control(&self) -> Control {
        Control {
            id: self.id.into(),
            name: self.name.into(),
            family: Some(self.family.into()),
            description: Some(self.description.into()),
            refs: self.refs.iter().map(|r| r.to_string()).collect(),
            builtin: true,
        }
    }
}

// Short names keep the template column of the table below readable at a glance.
const P: Owner = Owner::Provider;
const C: Owner = Owner::Consumer;
const S: Owner = Owner::Shared;

/// The built-in controls, grouped by family; `docs/templates.md` documents the same table.
pub static BUILTIN: &[BuiltinControl] = &[
    // Identity & access: the consumer runs its own users in every model; the provider's own
    // operators are why privileged access is shared.
    BuiltinControl {
        id: "IAM-MFA",
        name: "Multi-Factor Authentication",
        family: "Identity & access",
        description: "Every interactive sign-in to the service, privileged accounts included, requires at least two independent authentication factors.",
        refs: &["NIST SP 800-53 IA-2(1)", "NIST SP 800-53 IA-2(2)"],
        template: [C, C, C],
    },
    BuiltinControl {
        id: "IAM-JML",
        name: "Joiner/Mover/Leaver Lifecycle",
        family: "Identity & access",
        description: "Accounts are created, changed and disabled promptly when people join, change role or leave, so that access always matches current role and employment.",
        refs: &[
            "NIST SP 800-53 AC-2",
            "NIST SP 800-53 PS-4",
            "NIST SP 800-53 PS-5",
        ],
        template: [C, C, C],
    },
    BuiltinControl {
        id: "IAM-PRIV",
        name: "Privileged Access Management",
        family: "Identity & access",
        description: "Administrative access is limited to named individuals who need it, granted with least privilege, and kept separate from their everyday accounts.",
        refs: &[
            "NIST SP 800-53 AC-6",
            "NIST SP 800-53 AC-6(5)",
            "NIST SP 800-53 AC-2(7)",
        ],
        template: [S, S, S],
    },
    BuiltinControl {
        id: "IAM-REVIEW",
        name: "Periodic Access Reviews",
        family: "Identity & access",
        description: "Accounts and their privileges are reviewed at a defined interval and access that is no longer needed is removed.",
        refs: &["NIST SP 800-53 AC-2", "NIST SP 800-53 AC-6(7)"],
        template: [C, C, C],
    },
    BuiltinControl {
        id: "IAM-SSO",
        name: "Federated Single Sign-On",
        family: "Identity & access",
        description: "Users sign in through the consumer's identity provider by federation (SAML or OpenID Connect), so that its policies and deprovisioning apply to the service.",
        refs: &["NIST SP 800-53 IA-2(10)", "NIST SP 800-53 IA-8(2)"],
        template: [S, S, S],
    },
    BuiltinControl {
        id: "IAM-SECRETS",
        name: "Service Credentials and Secrets",
        family: "Identity & access",
        description: "API keys, tokens, passwords and certificates used by services are kept in a secrets store, never embedded in code or images, scoped minimally and rotated.",
        refs: &["NIST SP 800-53 IA-5", "NIST SP 800-53 IA-5(7)"],
        template: [C, C, S],
    },
    // Keys & encryption: storage the consumer builds on IaaS it must encrypt itself; managed
    // platforms and applications encrypt with provider-managed keys by default.
    BuiltinControl {
        id: "ENC-REST",
        name: "Encryption at Rest",
        family: "Keys & encryption",
        description: "Stored data, including replicas, snapshots and backups, is encrypted with approved cryptography.",
        refs: &["NIST SP 800-53 SC-28", "NIST SP 800-53 SC-28(1)"],
        template: [S, P, P],
    },
    BuiltinControl {
        id: "ENC-TRANSIT",
        name: "Encryption in Transit",
        family: "Keys & encryption",
        description: "Data crossing any network, public or internal, is protected by authenticated encryption such as TLS 1.2 or later.",
        refs: &["NIST SP 800-53 SC-8", "NIST SP 800-53 SC-8(1)"],
        template: [S, S, P],
    },
    BuiltinControl {
        id: "KEY-MGMT",
        name: "Key Management",
        family: "Keys & encryption",
        description: "Cryptographic keys are generated, stored, distributed, used and destroyed under a defined lifecycle, with access to key material restricted and logged.",
        refs: &["NIST SP 800-53 SC-12", "NIST SP 800-53 SC-13"],
        template: [S, P, P],
    },
    BuiltinControl {
        id: "KEY-BYOK",
        name: "Customer-Managed Keys",
        family: "Keys & encryption",
        description: "Data held by the provider is encrypted under keys that the consumer creates or imports, controls and can revoke, which makes the data unreadable once revoked.",
        refs: &["NIST SP 800-53 SC-12", "NIST SP 800-53 SC-12(6)"],
        template: [C, C, C],
    },
    BuiltinControl {
        id: "KEY-ROTATE",
        name: "Key Rotation",
        family: "Keys & encryption",
        description: "Keys are replaced at the end of a defined cryptoperiod and at once on suspected compromise.",
        refs: &["NIST SP 800-53 SC-12"],
        template: [S, P, P],
    },
    // Logging & monitoring.
    BuiltinControl {
        id: "LOG-AUDIT",
        name: "Audit Logging",
        family: "Logging & monitoring",
        description: "Security-relevant events (sign-ins, administrative actions, data access, configuration changes) are recorded with who, what, when and where.",
        refs: &[
            "NIST SP 800-53 AU-2",
            "NIST SP 800-53 AU-3",
            "NIST SP 800-53 AU-12",
        ],
        template: [S, S, P],
    },
    BuiltinControl {
        id: "LOG-RETAIN",
        name: "Log Retention",
        family: "Logging & monitoring",
        description: "Audit logs are kept, protected from alteration and deletion, for the period that investigations, contracts and regulation require.",
        refs: &["NIST SP 800-53 AU-11", "NIST SP 800-53 AU-9"],
        template: [C, S, P],
    },
    BuiltinControl {
        id: "LOG-MONITOR",
        name: "Security Monitoring and Alerting",
        family: "Logging & monitoring",
        description: "Logs and telemetry are analysed continuously and suspicious activity raises an alert that someone is assigned to act on.",
        refs: &["NIST SP 800-53 SI-4", "NIST SP 800-53 AU-6"],
        template: [S, S, S],
    },
    BuiltinControl {
        id: "LOG-ACCESS",
        name: "Consumer Access to Logs",
        family: "Logging & monitoring",
        description: "The provider gives the consumer timely access, in a usable format, to the audit records about the consumer's accounts, data and resources.",
        refs: &["NIST SP 800-53 AU-16", "NIST SP 800-53 AU-6"],
        template: [P, P, P],
    },
    BuiltinControl {
        id: "LOG-TIME",
        name: "Time Synchronisation",
        family: "Logging & monitoring",
        description: "System clocks are synchronised with an authoritative time source so that timestamps can be correlated across parties.",
        refs: &[
            "NIST SP 800-53 AU-8",
            "NIST SP 800-53 SC-45",
            "NIST SP 800-53 SC-45(1)",
        ],
        template: [S, P, P],
    },
    // Incident response: each side handles incidents in what it runs; telling the consumer is
    // always the provider's duty.
    BuiltinControl {
        id: "IR-RESPOND",
        name: "Incident Response",
        family: "Incident response",
        description: "A documented and exercised incident response capability detects, contains, eradicates and recovers from security incidents.",
        refs: &["NIST SP 800-53 IR-4", "NIST SP 800-53 IR-8"],
        template: [S, S, S],
    },
    BuiltinControl {
        id: "BREACH-NOTIFY",
        name: "Breach Notification",
        family: "Incident response",
        description: "The provider notifies the consumer of incidents affecting the consumer's data or service within the agreed time, with the facts the consumer needs to meet its own obligations.",
        refs: &["NIST SP 800-53 IR-6", "NIST SP 800-53 IR-6(3)"],
        template: [P, P, P],
    },
    BuiltinControl {
        id: "IR-FORENSICS",
        name: "Forensic Evidence Preservation",
        family: "Incident response",
        description: "Logs, disk and memory images and other evidence of an incident are preserved with their integrity and chain of custody, and made available to those investigating.",
        refs: &[
            "NIST SP 800-53 IR-4",
            "NIST SP 800-53 IR-4(12)",
            "NIST SP 800-53 AU-9",
        ],
        template: [S, S, P],
    },
    BuiltinControl {
        id: "IR-CONTACT",
        name: "Security Contact and Escalation",
        family: "Incident response",
        description: "Each party names a reachable security contact and an escalation path, keeps them current, and uses them to coordinate incident handling.",
        refs: &["NIST SP 800-53 IR-7", "NIST SP 800-53 IR-7(2)"],
        template: [S, S, S],
    },
    // Backup & recovery: the consumer's own job on IaaS, a configured platform feature on PaaS,
    // the provider's job on SaaS.
    BuiltinControl {
        id: "BACKUP",
        name: "Regular Backups",
        family: "Backup & recovery",
        description: "Data and the configuration needed to rebuild the service are backed up at a frequency that meets the recovery point objective.",
        refs: &["NIST SP 800-53 CP-9"],
        template: [C, S, P],
    },
    BuiltinControl {
        id: "BACKUP-TEST",
        name: "Restore Testing",
        family: "Backup & recovery",
        description: "Restores from backup are tested regularly to prove that backups are complete, readable and recoverable within the recovery time objective.",
        refs: &["NIST SP 800-53 CP-9(1)", "NIST SP 800-53 CP-9(2)"],
        template: [C, S, P],
    },
    BuiltinControl {
        id: "BACKUP-OFFSITE",
        name: "Off-Site Backup Copies",
        family: "Backup & recovery",
        description: "A copy of the backups is kept at a separate site or region that does not share the primary site's hazards.",
        refs: &["NIST SP 800-53 CP-6", "NIST SP 800-53 CP-6(1)"],
        template: [C, S, P],
    },
    BuiltinControl {
        id: "BACKUP-IMMUTABLE",
        name: "Immutable Backups",
        family: "Backup & recovery",
        description: "At least one backup copy cannot be altered or deleted before its retention period ends, even with compromised administrator credentials.",
        refs: &["NIST SP 800-53 CP-9", "NIST SP 800-53 CP-9(7)"],
        template: [C, S, P],
    },
    // Vulnerability & patch management: whoever runs a layer patches and tests it.
    BuiltinControl {
        id: "VULN-SCAN",
        name: "Vulnerability Scanning",
        family: "Vulnerability & patch management",
        description: "Systems and applications are scanned for known vulnerabilities at a defined frequency and the findings are triaged and tracked by risk.",
        refs: &["NIST SP 800-53 RA-5"],
        template: [S, S, P],
    },
    BuiltinControl {
        id: "PATCH-OS",
        name: "Operating System Patching",
        family: "Vulnerability & patch management",
        description: "Security updates to the operating systems that run the workload are applied within timeframes set by severity.",
        refs: &["NIST SP 800-53 SI-2", "NIST SP 800-53 SI-2(2)"],
        template: [C, P, P],
    },
    BuiltinControl {
        id: "PATCH-APP",
        name: "Application Patching",
        family: "Vulnerability & patch management",
        description: "Security fixes to the application and the libraries it bundles are applied within timeframes set by severity, and unsupported components are replaced.",
        refs: &["NIST SP 800-53 SI-2", "NIST SP 800-53 SA-22"],
        template: [C, C, P],
    },
    BuiltinControl {
        id: "PENTEST",
        name: "Penetration Testing",
        family: "Vulnerability & patch management",
        description: "Independent testers try to exploit the service at a defined frequency and after major changes, and what they find is remediated.",
        refs: &["NIST SP 800-53 CA-8", "NIST SP 800-53 CA-8(1)"],
        template: [S, S, P],
    },
    // Network protection.
    BuiltinControl {
        id: "NET-FW",
        name: "Firewalls and Security Groups",
        family: "Network protection",
        description: "Network traffic to and from the workload is denied by default and allowed only by documented, reviewed rules.",
        refs: &["NIST SP 800-53 SC-7", "NIST SP 800-53 SC-7(5)"],
        template: [C, S, P],
    },
    BuiltinControl {
        id: "NET-DDOS",
        name: "DDoS Protection",
        family: "Network protection",
        description: "Volumetric and protocol denial-of-service attacks are absorbed or filtered at the network edge before they reach the service.",
        refs: &["NIST SP 800-53 SC-5", "NIST SP 800-53 SC-5(2)"],
        template: [P, P, P],
    },
    BuiltinControl {
        id: "NET-SEGMENT",
        name: "Segmentation and Tenant Isolation",
        family: "Network protection",
        description: "Tenants, environments and tiers are isolated from one another so that the compromise of one does not reach the others.",
        refs: &["NIST SP 800-53 SC-7(21)", "NIST SP 800-53 SC-4"],
        template: [S, S, P],
    },
    BuiltinControl {
        id: "NET-WAF",
        name: "Web Application Firewall",
        family: "Network protection",
        description: "HTTP traffic to web applications and APIs is inspected and common attacks such as injection and cross-site scripting are blocked.",
        refs: &["NIST SP 800-53 SC-7", "NIST SP 800-53 SI-4(4)"],
        template: [C, C, P],
    },
    // Physical security: the provider's in every cloud model.
    BuiltinControl {
        id: "PHYS-ACCESS",
        name: "Physical Access Control",
        family: "Physical security",
        description: "Entry to data centres and equipment rooms is restricted to authorised people, checked at each entry, and logged and monitored.",
        refs: &[
            "NIST SP 800-53 PE-2",
            "NIST SP 800-53 PE-3",
            "NIST SP 800-53 PE-6",
        ],
        template: [P, P, P],
    },
    BuiltinControl {
        id: "PHYS-ENV",
        name: "Environmental Protection",
        family: "Physical security",
        description: "Facilities protect equipment against power loss, fire, water damage and out-of-range temperature and humidity.",
        refs: &[
            "NIST SP 800-53 PE-11",
            "NIST SP 800-53 PE-13",
            "NIST SP 800-53 PE-14",
        ],
        template: [P, P, P],
    },
    BuiltinControl {
        id: "PHYS-MEDIA",
        name: "Media Sanitisation and Disposal",
        family: "Physical security",
        description: "Storage media are sanitised or destroyed before reuse or disposal so that no data can be recovered from them.",
        refs: &["NIST SP 800-53 MP-6"],
        template: [P, P, P],
    },
    // Data location & privacy: the consumer decides what its data is and where it may live.
    BuiltinControl {
        id: "DATA-RESIDENCY",
        name: "Data Residency",
        family: "Data location & privacy",
        description: "Data is stored and processed only in the jurisdictions or regions agreed for it, replicas, backups and support access included.",
        refs: &["NIST SP 800-53 SA-9(5)"],
        template: [C, C, S],
    },
    BuiltinControl {
        id: "DATA-DELETE",
        name: "Deletion at Contract End",
        family: "Data location & privacy",
        description: "When the contract ends, all of the consumer's data, copies and backups included, is deleted within an agreed time and the deletion is confirmed.",
        refs: &["NIST SP 800-53 SI-12", "NIST SP 800-53 SI-12(3)"],
        template: [S, S, P],
    },
    BuiltinControl {
        id: "DATA-CLASSIFY",
        name: "Data Classification",
        family: "Data location & privacy",
        description: "Data is classified by sensitivity so that the protection, location and handling each class requires are known.",
        refs: &["NIST SP 800-53 RA-2"],
        template: [C, C, C],
    },
    BuiltinControl {
        id: "PRIV-DPA",
        name: "Data Processing Agreement",
        family: "Data location & privacy",
        description: "Personal data is processed only on a lawful basis and, by a processor, under a written agreement that fixes the purpose, the instructions and the safeguards.",
        refs: &[
            "NIST SP 800-53 PT-2",
            "NIST SP 800-53 PT-3",
            "NIST SP 800-53 SA-9",
        ],
        template: [S, S, S],
    },
    // Supply chain.
    BuiltinControl {
        id: "SUPPLY-SUBPROC",
        name: "Sub-Processor Oversight",
        family: "Supply chain",
        description: "The provider keeps a current list of its sub-processors, assesses them, flows its obligations down to them, and tells the consumer before adding one.",
        refs: &[
            "NIST SP 800-53 SA-9",
            "NIST SP 800-53 SR-3",
            "NIST SP 800-53 SR-6",
        ],
        template: [P, P, P],
    },
    BuiltinControl {
        id: "SUPPLY-SBOM",
        name: "Software Bill of Materials",
        family: "Supply chain",
        description: "The components of the delivered software are inventoried with their versions and origins, so that a vulnerable or tampered component can be found quickly.",
        refs: &["NIST SP 800-53 SR-4", "NIST SP 800-53 CM-8"],
        template: [S, S, P],
    },
    BuiltinControl {
        id: "SUPPLY-EXIT",
        name: "Exit Plan and Data Portability",
        family: "Supply chain",
        description: "A documented exit plan lets the consumer retrieve all its data in a usable format and move to another provider within an agreed time.",
        refs: &["NIST SP 800-53 SA-9", "NIST SP 800-53 SR-2"],
        template: [C, S, S],
    },
    // Change management.
    BuiltinControl {
        id: "CHANGE-MGMT",
        name: "Change Control",
        family: "Change management",
        description: "Changes to production are requested, risk-assessed, approved, tested and recorded before release.",
        refs: &["NIST SP 800-53 CM-3", "NIST SP 800-53 CM-4"],
        template: [S, S, P],
    },
    BuiltinControl {
        id: "CHANGE-CONFIG",
        name: "Secure Configuration Baselines",
        family: "Change management",
        description: "Systems and services are configured from documented, hardened baselines, and drift from them is detected and corrected.",
        refs: &["NIST SP 800-53 CM-2", "NIST SP 800-53 CM-6"],
        template: [S, S, S],
    },
    // Continuity: the provider keeps its zones and regions running; on IaaS and PaaS the
    // consumer must still architect across them.
    BuiltinControl {
        id: "BCP-DR",
        name: "Disaster Recovery",
        family: "Continuity",
        description: "A documented and tested plan restores the service within its recovery time and recovery point objectives after the loss of a site or region.",
        refs: &[
            "NIST SP 800-53 CP-2",
            "NIST SP 800-53 CP-4",
            "NIST SP 800-53 CP-10",
        ],
        template: [S, S, P],
    },
    BuiltinControl {
        id: "BCP-RESILIENCE",
        name: "Multi-Zone Resilience",
        family: "Continuity",
        description: "The service runs across independent availability zones or sites so that the failure of one does not interrupt it.",
        refs: &["NIST SP 800-53 CP-7", "NIST SP 800-53 SC-36"],
        template: [S, S, P],
    },
    BuiltinControl {
        id: "BCP-CAPACITY",
        name: "Capacity Management",
        family: "Continuity",
        description: "Compute, storage and network capacity is monitored and planned so that peak demand and failover are absorbed without degradation.",
        refs: &["NIST SP 800-53 CP-2(2)", "NIST SP 800-53 SC-6"],
        template: [S, S, P],
    },
];

/// The built-in control with this id.
pub fn find(id: &str) -> Option<&'static BuiltinControl> {
    BUILTIN.iter().find(|c| c.id == id)
}

/// The conventional owner of a control under a service model.
pub fn template_owner(control: &BuiltinControl, model: ServiceModel) -> Owner {
    match model {
        ServiceModel::Iaas => control.template[0],
        ServiceModel::Paas => control.template[1],
        ServiceModel::Saas => control.template[2],
    }
}

/// The families in catalog order, each once.
pub fn families() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for c in BUILTIN {
        if !out.contains(&c.family) {
            out.push(c.family);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    /// The documented template table, so that it cannot drift from `BUILTIN`.
    const TEMPLATES_MD: &str = include_str!("../../docs/templates.md");

    #[test]
    fn catalog_is_large_enough_to_be_useful() {
        assert!(BUILTIN.len() >= 40, "only {} controls", BUILTIN.len());
        assert!(families().len() >= 10, "only {} families", families().len());
    }

    #[test]
    fn ids_are_unique_and_usable_in_stack_files() {
        let mut seen = HashSet::new();
        for c in BUILTIN {
            assert!(seen.insert(c.id), "duplicate id {}", c.id);
            assert!(!c.id.is_empty());
            assert!(
                c.id.chars().all(|ch| ch.is_ascii_graphic()),
                "id {:?} is not printable ASCII without whitespace",
                c.id
            );
        }
    }

    #[test]
    fn every_control_is_described_and_cites_nist() {
        for c in BUILTIN {
            assert!(!c.name.is_empty() && !c.family.is_empty(), "{}", c.id);
            assert!(c.description.ends_with('.'), "{}: one full sentence", c.id);
            assert!(!c.refs.is_empty(), "{} has no refs", c.id);
            for r in c.refs {
                let id = r
                    .strip_prefix("NIST SP 800-53 ")
                    .unwrap_or_else(|| panic!("{}: ref {r:?} is not NIST SP 800-53", c.id));
                assert!(
                    is_nist_control_id(id),
                    "{}: malformed control id {id:?}",
                    c.id
                );
            }
        }
    }

    /// `XX-N` or `XX-N(M)`, as NIST SP 800-53 Rev. 5 writes its controls and enhancements.
    fn is_nist_control_id(id: &str) -> bool {
        let Some((family, rest)) = id.split_once('-') else {
            return false;
        };
        let (base, enhancement) = match rest.split_once('(') {
            Some((base, enh)) => (base, enh.strip_suffix(')')),
            None => (rest, Some("1")),
        };
        let number = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        family.len() == 2
            && family.bytes().all(|b| b.is_ascii_uppercase())
            && number(base)
            && enhancement.is_some_and(number)
    }

    #[test]
    fn families_are_contiguous_and_listed_once() {
        let fams = families();
        let unique: HashSet<_> = fams.iter().collect();
        assert_eq!(unique.len(), fams.len());
        // Grouped: the family changes exactly once per family boundary.
        let changes = BUILTIN
            .windows(2)
            .filter(|w| w[0].family != w[1].family)
            .count();
        assert_eq!(
            changes + 1,
            fams.len(),
            "a family's controls are not adjacent"
        );
        assert_eq!(fams.first(), Some(&"Identity & access"));
        assert_eq!(fams.last(), Some(&"Continuity"));
    }

    #[test]
    fn find_returns_the_control_or_none() {
        assert_eq!(
            find("IAM-MFA").map(|c| c.name),
            Some("Multi-Factor Authentication")
        );
        assert_eq!(find("BCP-CAPACITY").map(|c| c.family), Some("Continuity"));
        assert!(find("iam-mfa").is_none(), "ids are case-sensitive");
        assert!(find("NO-SUCH").is_none());
        for c in BUILTIN {
            assert!(std::ptr::eq(find(c.id).unwrap(), c));
        }
    }

    #[test]
    fn template_follows_the_published_shared_responsibility_split() {
        use Owner::{Consumer, Provider, Shared};
        use ServiceModel::{Iaas, Paas, Saas};
        let cases = [
            ("PHYS-ACCESS", [Provider, Provider, Provider]),
            ("NET-DDOS", [Provider, Provider, Provider]),
            ("PATCH-OS", [Consumer, Provider, Provider]),
            ("PATCH-APP", [Consumer, Consumer, Provider]),
            ("IAM-JML", [Consumer, Consumer, Consumer]),
            ("IAM-SSO", [Shared, Shared, Shared]),
            ("ENC-REST", [Shared, Provider, Provider]),
            ("KEY-BYOK", [Consumer, Consumer, Consumer]),
            ("BACKUP", [Consumer, Shared, Provider]),
            ("BREACH-NOTIFY", [Provider, Provider, Provider]),
            ("DATA-CLASSIFY", [Consumer, Consumer, Consumer]),
        ];
        for (id, [iaas, paas, saas]) in cases {
            let c = find(id).unwrap();
            assert_eq!(template_owner(c, Iaas), iaas, "{id} under iaas");
            assert_eq!(template_owner(c, Paas), paas, "{id} under paas");
            assert_eq!(template_owner(c, Saas), saas, "{id} under saas");
        }
    }

    #[test]
    fn templates_doc_has_one_matching_row_per_control() {
        let mut rows = std::collections::HashMap::new();
        for line in TEMPLATES_MD.lines().map(str::trim) {
            let Some(inner) = line.strip_prefix('|').and_then(|l| l.strip_suffix('|')) else {
                continue;
            };
            let cells: Vec<&str> = inner.split('|').map(str::trim).collect();
            let id = cells[0].trim_matches('`');
            if id == "Control" || id.starts_with('-') || id.starts_with(':') {
                continue;
            }
            assert_eq!(cells.len(), 5, "row {line:?} does not have 5 cells");
            assert!(rows.insert(id, cells).is_none(), "{id} documented twice");
        }
        for c in BUILTIN {
            let cells = rows
                .remove(c.id)
                .unwrap_or_else(|| panic!("docs/templates.md has no row for {}", c.id));
            assert_eq!(cells[1], c.name, "{}: name in docs/templates.md", c.id);
            for (model, cell) in ServiceModel::ALL.into_iter().zip(&cells[2..]) {
                assert_eq!(
                    *cell,
                    template_owner(c, model).as_str(),
                    "{} under {} in docs/templates.md",
                    c.id,
                    model.as_str()
                );
            }
        }
        let unknown: Vec<_> = rows.keys().collect();
        assert!(
            unknown.is_empty(),
            "docs/templates.md rows for unknown controls: {unknown:?}"
        );
    }
}
