#!/usr/bin/env python3
"""Writes ledgerly-caiq-v4.xlsx: the CSA CAIQ v4 answers of "Ledgerly", a core-banking SaaS, as
a vendor's own tooling (openpyxl here) writes them: an Introduction sheet first, a title above
the header, a control title merged down its questions, padded and lower-case answers, a blank
row, a control answered NA throughout, outsourced controls. Input of build.sh; the committed
.xlsx is what the sample stack was built from (regenerate: python3 make-ledgerly-caiq.py).
"""

import datetime
import pathlib

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

HEADER = [
    "Question ID",
    "Question",
    "CSP CAIQ Answer",
    "SSRM Control Ownership",
    "CSP Implementation Description (Optional/Recommended)",
    "CSC Responsibilities (Optional/Recommended)",
    "CCM Control ID",
    "CCM Control Specification",
    "CCM Control Title",
    "CCM Domain Title",
]

# Question ID, question, answer, ownership, CCM id, CCM title (None: merged from above), domain.
ROWS = [
    ("A&A-02.1", "Are independent audit and assurance assessments conducted according to "
     "relevant standards at least annually?", "Yes", "CSP-owned", "A&A-02",
     "Independent Assessments", "Audit & Assurance"),
    ("BCR-08.1", "Is cloud data periodically backed up?", "Yes", "Shared CSP and CSC",
     "BCR-08", "Backup", "Business Continuity Management and Operational Resilience"),
    ("BCR-08.2", "Is the confidentiality, integrity, and availability of backup data ensured?",
     " yes", "Shared CSP and CSC", "BCR-08", None,
     "Business Continuity Management and Operational Resilience"),
    ("CEK-03.1", "Are data at-rest and in-transit cryptographically protected using "
     "cryptographic libraries certified to approved standards?", "Yes", "CSP-owned", "CEK-03",
     "Data Encryption", "Cryptography, Encryption & Key Management"),
    ("CEK-10.1", "Are cryptographic keys generated using industry-accepted cryptographic "
     "libraries specifying the algorithm strength and the random number generator used?",
     "NA", "CSC-owned", "CEK-10", "Key Generation", "Cryptography, Encryption & Key Management"),
    None,  # a blank row, as workbooks assembled by hand have
    ("DSP-17.1", "Are processes, procedures, and technical measures defined and implemented "
     "to protect sensitive data throughout its lifecycle?", "No", "CSP-owned", "DSP-17",
     "Sensitive Data Protection", "Data Security and Privacy Lifecycle Management"),
    ("HRS-11.1", "Is a security awareness training program for all employees of the "
     "organization established, documented, approved, communicated, applied, evaluated and "
     "maintained?", "", "CSP-owned", "HRS-11", "Security Awareness Training",
     "Human Resources"),
    ("IAM-09.1", "Are the separation of duties for privileged access roles defined, "
     "implemented, and evaluated?", "Yes", "CSP-owned", "IAM-09",
     "Segregation of Privileged Access Roles", "Identity & Access Management"),
    ("IAM-14.1", "Are processes, procedures, and technical measures for authenticating access "
     "to systems, application, and data assets, including multifactor authentication for at "
     "least privileged user and sensitive data access, defined, implemented, and evaluated?",
     "Yes", "Shared CSP and CSC", "IAM-14", "Strong Authentication",
     "Identity & Access Management"),
    ("LOG-05.1", "Are security-related events monitored and reported, and are alerts generated "
     "for anomalous activity?", "Yes", "3rd-party outsourced", "LOG-05",
     "Audit Logs Monitoring and Response", "Logging and Monitoring"),
    ("SEF-07.1", "Are processes, procedures, and technical measures for security breach "
     "notifications defined and implemented?", "No", "Shared CSP and 3rd-party", "SEF-07",
     "Security Breach Notification", "Security Incident Management, E-Discovery, & Cloud "
     "Forensics"),
    ("STA-08.1", "Are supply chain partners' security risks periodically reviewed?", "Yes",
     "CSC-owned", "STA-08", "Supply Chain Risk Management",
     "Supply Chain Management, Transparency, and Accountability"),
    ("TVM-07.1", "Are processes, procedures, and technical measures defined and implemented "
     "for the detection of vulnerabilities on organizationally managed assets at least "
     "monthly?", "N/A", "CSP-owned", "TVM-07", "Vulnerability Identification",
     "Threat & Vulnerability Management"),
    ("TVM-07.2", "Are vulnerability detection results reviewed?", "na", "CSP-owned", "TVM-07",
     None, "Threat & Vulnerability Management"),
]


def main():
    wb = Workbook()
    intro = wb.active
    intro.title = "Introduction"
    intro["A1"] = "Consensus Assessments Initiative Questionnaire v4.0.3 — Ledgerly"
    intro["A1"].font = Font(bold=True, size=14)
    intro["A3"] = "Answers as of 2026-10-01. Contact: trust@ledgerly.example"
    intro["A4"] = datetime.date(2026, 10, 1)

    sheet = wb.create_sheet("CAIQv4.0.3")
    sheet["A1"] = "Ledgerly Core Banking — CAIQ v4.0.3"
    sheet.merge_cells("A1:J1")
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A2"] = "Answers refer to the production service (EU region)."
    for col, name in enumerate(HEADER, start=1):
        cell = sheet.cell(row=4, column=col, value=name)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True)
    row = 5
    title_from = None
    for data in ROWS:
        if data is None:
            row += 1
            continue
        qid, question, answer, owner, ccm, title, domain = data
        values = [qid, question, answer, owner, None, None, ccm, None, title, domain]
        for col, value in enumerate(values, start=1):
            if value is not None:
                sheet.cell(row=row, column=col, value=value)
        if title is None and title_from is not None:
            sheet.merge_cells(start_row=title_from, start_column=9, end_row=row, end_column=9)
        else:
            title_from = row
        row += 1
    wb.properties.created = datetime.datetime(2026, 10, 1)
    wb.properties.modified = datetime.datetime(2026, 10, 1)
    out = pathlib.Path(__file__).with_name("ledgerly-caiq-v4.xlsx")
    wb.save(out)


if __name__ == "__main__":
    main()
