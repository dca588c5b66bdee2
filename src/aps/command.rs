//! The APS commands apsdesk sends or simulates, and what each one's statuses mean.

use std::fmt;

/// Which parameter carries a command's name: APS uses three.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommandKey {
    Command,
    QueryCommand,
    ServiceCommand,
}

impl CommandKey {
    pub fn as_str(self) -> &'static str {
        match self {
            CommandKey::Command => "command",
            CommandKey::QueryCommand => "query_command",
            CommandKey::ServiceCommand => "service_command",
        }
    }
}

/// An APS server-to-server command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Command {
    Authorization,
    Purchase,
    Capture,
    VoidAuthorization,
    Refund,
    CheckStatus,
    UpdateToken,
    PaymentLink,
    CheckPaymentLinkStatus,
    GetInstallmentsPlans,
}

impl Command {
    pub const ALL: [Command; 10] = [
        Command::Authorization,
        Command::Purchase,
        Command::Capture,
        Command::VoidAuthorization,
        Command::Refund,
        Command::CheckStatus,
        Command::UpdateToken,
        Command::PaymentLink,
        Command::CheckPaymentLinkStatus,
        Command::GetInstallmentsPlans,
    ];

    /// The value sent, e.g. `VOID_AUTHORIZATION`.
    pub fn name(self) -> &'static str {
        match self {
            Command::Authorization => "AUTHORIZATION",
            Command::Purchase => "PURCHASE",
            Command::Capture => "CAPTURE",
            Command::VoidAuthorization => "VOID_AUTHORIZATION",
            Command::Refund => "REFUND",
            Command::CheckStatus => "CHECK_STATUS",
            Command::UpdateToken => "UPDATE_TOKEN",
            Command::PaymentLink => "PAYMENT_LINK",
            Command::CheckPaymentLinkStatus => "CHECK_PAYMENT_LINK_STATUS",
            Command::GetInstallmentsPlans => "GET_INSTALLMENTS_PLANS",
        }
    }

    /// The command whose [`Command::name`] this is.
    pub fn from_name(name: &str) -> Option<Command> {
        Command::ALL
            .into_iter()
            .find(|command| command.name() == name)
    }

    /// The parameter that carries the name.
    pub fn key(self) -> CommandKey {
        match self {
            Command::Authorization
            | Command::Purchase
            | Command::Capture
            | Command::VoidAuthorization
            | Command::Refund => CommandKey::Command,
            Command::CheckStatus
            | Command::CheckPaymentLinkStatus
            | Command::GetInstallmentsPlans => CommandKey::QueryCommand,
            Command::UpdateToken | Command::PaymentLink => CommandKey::ServiceCommand,
        }
    }

    /// Finds the command of a message from whichever key carries it.
    pub fn from_params(params: &super::params::Params) -> Option<Command> {
        [
            CommandKey::Command,
            CommandKey::QueryCommand,
            CommandKey::ServiceCommand,
        ]
        .into_iter()
        .find_map(|key| {
            let name = params.text(key.as_str())?;
            Command::ALL
                .into_iter()
                .find(|command| command.key() == key && command.name() == name)
        })
    }

    /// The status of success and the status of failure (reference §5).
    pub fn status_pair(self) -> (&'static str, &'static str) {
        match self {
            Command::Authorization => ("02", "03"),
            Command::Purchase => ("14", "13"),
            Command::Capture => ("04", "05"),
            Command::VoidAuthorization => ("08", "09"),
            Command::Refund => ("06", "07"),
            Command::CheckStatus | Command::CheckPaymentLinkStatus => ("12", "11"),
            Command::UpdateToken => ("58", "59"),
            Command::PaymentLink => ("48", "49"),
            Command::GetInstallmentsPlans => ("62", "63"),
        }
    }

    /// Whether the command can move money. These are never retried automatically:
    /// a second send could capture or refund twice.
    pub fn moves_money(self) -> bool {
        match self {
            Command::Authorization
            | Command::Purchase
            | Command::Capture
            | Command::VoidAuthorization
            | Command::Refund => true,
            Command::CheckStatus
            | Command::UpdateToken
            | Command::PaymentLink
            | Command::CheckPaymentLinkStatus
            | Command::GetInstallmentsPlans => false,
        }
    }

    /// Whether sending the command twice is harmless, so a transport failure
    /// may be retried with backoff: only the read-only queries.
    pub fn is_retry_safe(self) -> bool {
        match self {
            Command::CheckStatus
            | Command::CheckPaymentLinkStatus
            | Command::GetInstallmentsPlans => true,
            Command::Authorization
            | Command::Purchase
            | Command::Capture
            | Command::VoidAuthorization
            | Command::Refund
            | Command::UpdateToken
            | Command::PaymentLink => false,
        }
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl serde::Serialize for Command {
    /// As APS spells it (`VOID_AUTHORIZATION`).
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aps::params::Params;

    #[test]
    fn commands_are_found_only_under_their_own_key() {
        let params: Params = [("query_command", "CHECK_STATUS")].into_iter().collect();
        assert_eq!(Command::from_params(&params), Some(Command::CheckStatus));
        let params: Params = [("command", "CHECK_STATUS")].into_iter().collect();
        assert_eq!(Command::from_params(&params), None);
        let params: Params = [("service_command", "UPDATE_TOKEN")].into_iter().collect();
        assert_eq!(Command::from_params(&params), Some(Command::UpdateToken));
    }

    #[test]
    fn money_movers_are_never_retry_safe() {
        for command in Command::ALL {
            assert!(
                !(command.moves_money() && command.is_retry_safe()),
                "{command}"
            );
        }
    }
}
