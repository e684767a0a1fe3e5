"""The audit trail: who decided what, when, with the state before and after."""
