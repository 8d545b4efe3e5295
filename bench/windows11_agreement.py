"""Agreement of the Windows 11 CPU decision with Microsoft's lists, printed.

    .venv/bin/python bench/windows11_agreement.py [--verbose]

Turns every row of the shipped lists (inventory/windows11/data/) into the
brand string Windows reports for that family and counts how many are
supported; resolves every real brand string of an unsupported processor in
data/unsupported_brand_strings.txt and counts how many are refused. Prints
the figures with the lists (the normal decision) and with the generation
rule alone (no list), and the strings that disagree. No database needed.
"""
import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--verbose", action="store_true", help="List every disagreeing brand string.")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esinv.settings_test")
    import django

    django.setup()
    from inventory.windows11.agreement import measure
    from inventory.windows11.microsoft_list import MicrosoftList, read_shipped_entries, shipped_list
    from inventory.windows11.overrides import CpuResolver

    entries = read_shipped_entries()
    dates = sorted({e.list_date for e in entries})
    print(f"Microsoft's lists: {len(entries)} rows ({', '.join(sorted({e.manufacturer for e in entries}))}), "
          f"list of {', '.join(dates)}")
    for label, microsoft_list in (("lists + generation rule", shipped_list()),
                                  ("generation rule alone", MicrosoftList())):
        started = time.perf_counter()
        figures = measure(CpuResolver([], microsoft_list), entries)
        elapsed = time.perf_counter() - started
        print(f"{label}: listed processors supported {figures.listed_supported}/{figures.listed} = "
              f"{figures.supported_pct}%; unsupported refused {figures.unsupported_refused}/{figures.unsupported} = "
              f"{figures.refused_pct}% ({elapsed:.2f} s)")
        shown = figures.misses if args.verbose else figures.misses[:10]
        for brand, verdict, rule in shown:
            print(f"    {verdict:<11} {rule:<45} {brand}")
        if len(figures.misses) > len(shown):
            print(f"    ... {len(figures.misses) - len(shown)} more (--verbose)")


if __name__ == "__main__":
    main()
