"""The account mails, written so that answering about an address never reveals
whether an account uses it: every path renders the same amount of text."""

from __future__ import annotations

from flask import current_app

from certify.urls import external_url


def reset_mail(name: str, link: str) -> tuple[str, str]:
    """Subject and body of a password reset mail."""
    minutes = int(current_app.config["PASSWORD_RESET_MAX_AGE"]) // 60
    return (
        "Reset your Certify password",
        f"Hello {name},\n\nSomeone (hopefully you) asked to reset your Certify password.\n"
        f"This link works once, for {minutes} minutes:\n\n{link}\n\n"
        "If you did not ask for this, ignore this message; your password has not changed.\n",
    )


def welcome_mail(name: str) -> tuple[str, str]:
    """Subject and body of the mail that confirms a new candidate account."""
    return (
        "Your Certify account",
        f"Hello {name},\n\nYour candidate account on Certify is ready. Sign in with the "
        f"password you chose:\n\n{external_url('auth.login')}\n\n"
        "If you did not create this account, tell the certification office.\n",
    )


def already_registered_mail(name: str) -> tuple[str, str]:
    """Subject and body of the mail to the owner of an address someone tried to register again."""
    return (
        "Your Certify account",
        f"Hello {name},\n\nSomeone (perhaps you) tried to create a new Certify account with this "
        "address, which already has one, so no new account was made.\n\n"
        f"If it was you, sign in here:\n\n{external_url('auth.login')}\n\n"
        f"and if you no longer know your password, reset it here:\n\n{external_url('auth.forgot_password')}\n\n"
        "If it was not you, you can ignore this message; nothing about your account has changed.\n",
    )
