"""Changing an archive's Berkeley DB tables by hand, with the archive
stopped: db5.3_dump a table, change its (key, value) lines (hex, as the
dump prints them, each with its leading space), db5.3_load it back."""
import os
import subprocess


def dump(a, table):
    """The (key, value) line pairs of a table, and the dump's header."""
    db = os.path.join(a.data, "db")
    out = subprocess.run(["db5.3_dump", "-h", db, table], capture_output=True,
                         check=True).stdout.decode().split("\n")
    head = out[:out.index("HEADER=END") + 1]
    body = out[len(head):]
    return head, [[k, v] for k, v in zip(body[0::2], body[1::2]) if k.startswith(" ")]


def surgery(a, table, change):
    """Replace table by change(its [key, value] pairs)."""
    db = os.path.join(a.data, "db")
    head, pairs = dump(a, table)
    pairs = change(pairs)
    text = "\n".join(head + [x for p in pairs for x in p] + ["DATA=END", ""])
    os.unlink(os.path.join(db, table))
    subprocess.run(["db5.3_load", "-h", db, table], input=text.encode(), check=True)
    give_to_user(a, db)


def give_to_user(a, db):
    """What root made in db/ becomes the archive user's: mailarc, root's
    included, opens the environment as that user."""
    if os.geteuid() == 0:
        subprocess.run(["chown", "-R", a.settings["user"], db], check=True)


def hexkey(text):
    """A key as the dump prints it."""
    return " " + text.encode().hex()
